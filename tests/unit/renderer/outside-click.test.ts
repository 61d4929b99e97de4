// Popovers close on a click elsewhere through one window listener, there only while one is open:
// a message row each used to hold its own, so a scrolled timeline added and removed hundreds.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { onWindowClick } from '../../../apps/desktop/renderer/src/components/outside-click.ts';

const target = new EventTarget();
const add = vi.spyOn(target, 'addEventListener');
const remove = vi.spyOn(target, 'removeEventListener');
vi.stubGlobal('window', target);

afterEach(() => {
  add.mockClear();
  remove.mockClear();
});

describe('window clicks for open popovers', () => {
  it('one listener however many are open, none once all closed', () => {
    const heard: string[] = [];
    const stops = ['a', 'b', 'c'].map((name) => onWindowClick(() => heard.push(name)));
    expect(add).toHaveBeenCalledTimes(1);
    target.dispatchEvent(new Event('click'));
    expect(heard).toEqual(['a', 'b', 'c']);
    stops[1]!();
    target.dispatchEvent(new Event('click'));
    expect(heard).toEqual(['a', 'b', 'c', 'a', 'c']);
    expect(remove).not.toHaveBeenCalled();
    stops[0]!();
    stops[2]!();
    expect(remove).toHaveBeenCalledTimes(1);
    target.dispatchEvent(new Event('click'));
    expect(heard).toHaveLength(5);
  });

  it('a popover that closes while the click is handed out does not stop the others hearing it', () => {
    const heard: string[] = [];
    const stopFirst = onWindowClick(() => {
      heard.push('first');
      stopFirst();
    });
    const stopSecond = onWindowClick(() => heard.push('second'));
    target.dispatchEvent(new Event('click'));
    expect(heard).toEqual(['first', 'second']);
    stopSecond();
  });
});
