type Lang = 'de' | 'en';
export declare const escapeXml: (s: string) => string;
export declare function renderAdmx(): string;
export declare function renderAdml(lang: Lang): string;
/** The reference table in docs/policies.md. */
export declare function renderPolicyDocs(): string;
export {};
