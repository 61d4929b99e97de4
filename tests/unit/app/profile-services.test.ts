// A profile's services: one per kind while the profile's sitting lasts, disposed together at
// sign-out or lock (a failing dispose is reported and does not keep the others from ending),
// and made afresh on the next use.
import { describe, expect, it } from 'vitest';
import { ProfileServices, serviceKey } from '../../../apps/desktop/electron/core/app/profile-services.ts';

class Held {
  disposed = 0;
  readonly failing: boolean;
  constructor(failing = false) {
    this.failing = failing;
  }
  async dispose(): Promise<void> {
    this.disposed++;
    if (this.failing) throw new Error('disk gone');
  }
}

const A = serviceKey<Held>('a');
const B = serviceKey<Held>('b');
const PLAIN = serviceKey<{ reads: number }>('plain');

describe('profile services', () => {
  it('makes one service per kind and hands the same one out until disposed', () => {
    const services = new ProfileServices();
    let made = 0;
    const first = services.get(A, () => (made++, new Held()));
    expect(services.get(A, () => (made++, new Held()))).toBe(first);
    expect(services.get(B, () => (made++, new Held()))).not.toBe(first);
    expect(made).toBe(2);
  });

  it('disposes every service once, reports a failing one, and makes fresh ones afterwards', async () => {
    const services = new ProfileServices();
    const failing = services.get(A, () => new Held(true));
    const held = services.get(B, () => new Held());
    services.get(PLAIN, () => ({ reads: 0 }));
    const errors: string[] = [];
    await services.dispose((name) => errors.push(name));
    expect([failing.disposed, held.disposed]).toEqual([1, 1]);
    expect(errors).toEqual(['a']);
    await services.dispose(() => errors.push('again'));
    expect(held.disposed).toBe(1);
    expect(services.get(B, () => new Held())).not.toBe(held);
  });
});
