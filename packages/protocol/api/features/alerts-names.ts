// Method names of templates and broadcast alerts (api/features/alerts.ts); merged into names.ts.
export const ALERTS_METHOD_NAMES = [
  'templates.list',
  'templates.define',
  'alerts.list',
  'alerts.send',
  'alerts.ack',
] as const;
