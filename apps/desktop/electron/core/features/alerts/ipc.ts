// IPC adapter of templates and broadcast alerts: each handler hands the call to the AlertService
// of the visible profile (both travel in the directory channel, so no handler names a channel).
import type { ALERTS_METHOD_NAMES } from '@klinikfunk/protocol/api/features/alerts-names.ts';
import type { HandlerContext, ProfileHandlers } from '../../app/handler-context.ts';
import { alertService, type RolePort } from './service.ts';

export function alertHandlers(
  ctx: HandlerContext,
  roles: RolePort,
): Pick<ProfileHandlers, (typeof ALERTS_METHOD_NAMES)[number]> {
  const alerts = () => alertService(ctx.sessions.visible(), ctx.clock, roles);
  return {
    'templates.list': () => alerts().templates(),
    'templates.define': async (input) => ({ templateId: await alerts().defineTemplate(input) }),
    'alerts.list': () => alerts().list(),
    'alerts.send': async (input) => ({ alertId: await alerts().send(input) }),
    'alerts.ack': async ({ alertId }) => {
      await alerts().ack(alertId);
      return { done: true as const };
    },
  };
}
