/** The kinds of organisation whose staff may refer families (private.may_refer in SQL). */
export const REFERRING_KINDS = [
	'youth_centre',
	'counselling_centre',
	'women_children_centre',
	'school_parent_school'
];
