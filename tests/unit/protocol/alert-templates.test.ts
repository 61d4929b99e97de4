// Template texts and their fields (packages/protocol/domain/alert-events.ts): the renderer's form,
// its preview and every receiver's schema check read `{Feld}` placeholders the same way.
import { describe, expect, it } from 'vitest';
import {
  alertSend,
  fillTemplate,
  MAX_FIELD_VALUE,
  parseTemplateText,
  templateDefine,
} from '@klinikfunk/protocol/domain/alert-events.ts';

const template = (text: string, extra: Record<string, unknown> = {}) =>
  templateDefine.safeParse({
    type: 'template.define',
    templateId: 'tpl-reanimation',
    name: 'Reanimation',
    text,
    department: null,
    target: { kind: 'everyone' },
    ...extra,
  });

describe('template texts', () => {
  it('finds the fields in order, each once, umlauts and spaces allowed', () => {
    const parsed = parseTemplateText('Reanimation – Zimmer {Zimmer}, {Station Größe}; nochmals {Zimmer}');
    expect(parsed).toMatchObject({ ok: true, fields: ['Zimmer', 'Station Größe'] });
  });

  it('reads doubled braces as braces, not fields', () => {
    expect(parseTemplateText('Code {{rot}} in {Zimmer}')).toMatchObject({ ok: true, fields: ['Zimmer'] });
    expect(fillTemplate('Code {{rot}} in {Zimmer}', { Zimmer: '12' })).toEqual({ ok: true, text: 'Code {rot} in 12' });
  });

  it('refuses unbalanced braces, bad field names and too many fields, in the schema too', () => {
    expect(parseTemplateText('Zimmer {Zimmer')).toEqual({ ok: false, problem: 'unbalanced_brace' });
    expect(parseTemplateText('Zimmer Zimmer}')).toEqual({ ok: false, problem: 'unbalanced_brace' });
    expect(parseTemplateText('Zimmer {}')).toEqual({ ok: false, problem: 'bad_field_name' });
    expect(parseTemplateText('Zimmer {a.b}')).toEqual({ ok: false, problem: 'bad_field_name' });
    expect(parseTemplateText('{x'.padEnd(50, 'y') + '}')).toEqual({ ok: false, problem: 'bad_field_name' });
    const eleven = Array.from({ length: 11 }, (_, i) => `{F${i}}`).join(' ');
    expect(parseTemplateText(eleven)).toEqual({ ok: false, problem: 'too_many_fields' });
    expect(template('Sturz – Zimmer {Zimmer').success).toBe(false);
    expect(template(eleven).success).toBe(false);
    expect(template('Sturz – Zimmer {Zimmer}').success).toBe(true);
  });

  it('refuses what is too long or empty, and unknown fields (a newer client bumps the type instead)', () => {
    expect(template('').success).toBe(false);
    expect(template('x'.repeat(2001)).success).toBe(false);
    expect(template('ok', { name: '' }).success).toBe(false);
    expect(template('ok', { name: 'x'.repeat(81) }).success).toBe(false);
    expect(template('ok', { colour: 'red' }).success).toBe(false);
    expect(template('ok', { target: { kind: 'department', department: '' } }).success).toBe(false);
    expect(template('ok', { target: { kind: 'channel' } }).success).toBe(false);
  });

  it('fills every field, and names each one missing, too long or with a line break', () => {
    const text = 'Sturz – Zimmer {Zimmer}, Station {Station}';
    expect(fillTemplate(text, { Zimmer: ' 12 ', Station: '3 Nord' })).toEqual({
      ok: true,
      text: 'Sturz – Zimmer 12, Station 3 Nord',
    });
    expect(fillTemplate(text, { Zimmer: '   ' })).toEqual({
      ok: false,
      problems: [
        { field: 'Zimmer', problem: 'missing' },
        { field: 'Station', problem: 'missing' },
      ],
    });
    expect(fillTemplate(text, { Zimmer: 'x'.repeat(MAX_FIELD_VALUE + 1), Station: 'a\nb' })).toEqual({
      ok: false,
      problems: [
        { field: 'Zimmer', problem: 'too_long' },
        { field: 'Station', problem: 'line_break' },
      ],
    });
    // A value named like an Object property is no field value.
    expect(fillTemplate('{constructor}', {})).toEqual({
      ok: false,
      problems: [{ field: 'constructor', problem: 'missing' }],
    });
  });

  it('an alert needs a text and an audience of a department or everyone', () => {
    const base = { type: 'alert.send', alertId: 'alert-0001', templateId: null };
    expect(alertSend.safeParse({ ...base, text: ' ', audience: { kind: 'everyone' } }).success).toBe(false);
    expect(alertSend.safeParse({ ...base, text: 'Hi', audience: { kind: 'role', roleId: 'role-0001' } }).success).toBe(
      false,
    );
    expect(
      alertSend.safeParse({ ...base, text: 'Hi', audience: { kind: 'department', department: 'Innere' } }).success,
    ).toBe(true);
  });
});
