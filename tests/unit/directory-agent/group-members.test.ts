// A group's members as Active Directory hands them over: past 1,500 values (MaxValRange) AD sends
// `member;range=0-1499` and no `member` at all, and the rest only when asked for the next range.
// Read as an empty group, everyone in it would be deactivated. AD cannot run here, so `fetch`
// stands in for the follow-up base search, with AD's answer shape.
import { describe, expect, it } from 'vitest';
import { groupMembers } from '../../../apps/relay/directory-agent/group-members.ts';

const people = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `CN=Person ${from + i},OU=Personal,DC=klinik,DC=test`);

describe('group members', () => {
  it('reads member and uniqueMember as OpenLDAP sends them', async () => {
    const members = await groupMembers({ member: people(1, 2), uniqueMember: 'CN=Solo,DC=klinik,DC=test' }, () => {
      throw new Error('no follow-up search needed');
    });
    expect(members).toEqual([...people(1, 2), 'CN=Solo,DC=klinik,DC=test']);
  });

  it("follows AD's ranged member values to the last range", async () => {
    const asked: string[] = [];
    const members = await groupMembers({ 'member;range=0-1499': people(0, 1499) }, async (attribute) => {
      asked.push(attribute);
      if (attribute === 'member;range=1500-*') return { 'member;range=1500-2999': people(1500, 2999) };
      if (attribute === 'member;range=3000-*') return { 'member;range=3000-*': people(3000, 3100) };
      throw new Error(`unexpected ${attribute}`);
    });
    expect(asked).toEqual(['member;range=1500-*', 'member;range=3000-*']);
    expect(members).toHaveLength(3101);
    expect(members.at(-1)).toBe(people(3100, 3100)[0]);
  });

  it('fails rather than read a group short when a range answer is missing', async () => {
    await expect(groupMembers({ 'member;range=0-1499': people(0, 1499) }, async () => ({}))).rejects.toThrow(/range/);
  });
});
