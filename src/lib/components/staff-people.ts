/** A registration's people as staff read them: children by nickname and age, adults by kind. */
import { memberKindLabel } from '$lib/components/event-labels';
import { m } from '$lib/paraglide/messages';

export interface Person {
	kind: 'child' | 'parent' | 'grandparent';
	nickname: string;
	age: number | null;
}

export function personText(person: Person): string {
	if (person.kind === 'child')
		return m.staff_person_child({ nickname: person.nickname, age: person.age ?? 0 });
	return m.staff_person_adult({ nickname: person.nickname, kind: memberKindLabel(person.kind) });
}

export function peopleText(people: Person[], locale: string): string {
	return people.map(personText).join(locale === 'en' ? ', ' : '、');
}
