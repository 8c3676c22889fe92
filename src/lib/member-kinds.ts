/** Who a family member is. Without zod, so pages can list the kinds without loading it. */
export const MEMBER_KINDS = ['child', 'parent', 'grandparent'] as const;
export type MemberKind = (typeof MEMBER_KINDS)[number];
