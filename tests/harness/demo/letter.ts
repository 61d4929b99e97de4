// The demo's PDF: a transfer letter from the surgical ward, written as a one-page PDF by hand so
// nothing binary is committed. Helvetica with WinAnsiEncoding carries the umlauts as Latin-1
// bytes; the cross-reference offsets are counted from those bytes. All content is invented.

const LINES: ReadonlyArray<readonly [size: number, text: string]> = [
  [16, 'Klinikum Musterstadt - Klinik für Allgemeinchirurgie'],
  [11, 'Station 4B Chirurgie  |  Musterallee 1  |  12345 Musterstadt'],
  [11, ''],
  [14, 'Verlegungsbericht (Demo - alle Angaben frei erfunden)'],
  [11, ''],
  [11, 'An: Station 3A Innere, Dr. Miriam Schäfer'],
  [11, 'Patient: Herr M., Zimmer 12 (fiktiv)'],
  [11, ''],
  [12, 'Verlauf'],
  [11, 'Komplikationslose Wundheilung nach Naht am Unterarm, Fäden liegen.'],
  [11, 'Verbandswechsel täglich, trocken und steril.'],
  [11, ''],
  [12, 'Empfehlung'],
  [11, 'Fadenzug am 10. postoperativen Tag, Wundkontrolle bei jeder Übergabe.'],
  [11, 'Schmerzmedikation nach Schema der Station.'],
  [11, ''],
  [11, 'Mit freundlichen Grüßen'],
  [11, 'Dr. Max Mustermann, Oberarzt (fiktiv)'],
];

const escapePdf = (text: string) => text.replace(/[\\()]/g, (c) => `\\${c}`);

export function transferLetterPdf(): Buffer {
  let y = 780;
  let text = '';
  for (const [size, line] of LINES) {
    y -= size + 8;
    if (line) text += `BT /F1 ${size} Tf 60 ${y} Td (${escapePdf(line)}) Tj ET\n`;
  }
  // A blue rule under the letterhead and a grey "DEMO" stamp, so nobody mistakes it for a real letter.
  const content =
    `0.12 0.37 0.65 rg 60 728 475 2 re f\n0 g\n${text}` + `0.6 g BT /F1 40 Tf 1 0 0 1 380 120 Tm (DEMO) Tj ET\n`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
    `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}endstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
  ];
  let pdf = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(pdf, 'latin1'));
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(pdf, 'latin1');
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  pdf += offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}
