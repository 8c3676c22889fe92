/** The staff's form for one registration question. */
import { z } from 'zod';

export const questionSchema = z.object({
	label_zh: z.string().trim().min(1).max(100),
	label_en: z.string().trim().max(150),
	kind: z.enum(['short_text', 'long_text', 'single_choice', 'multiple_choice', 'yes_no', 'number']),
	scope: z.enum(['family', 'attendee', 'children']),
	required: z.boolean(),
	sensitive: z.boolean(),
	choices: z.string().max(2000)
});

/** "中文 | English" lines as choices with stable values (o1, o2 …); at most 20. */
export function readChoices(text: string): { value: string; zh: string; en: string }[] {
	return text
		.split(/\r?\n/)
		.map((line) => line.split('|').map((part) => part.trim()))
		.filter(([zh]) => zh)
		.slice(0, 20)
		.map(([zh, en], i) => ({
			value: `o${i + 1}`,
			zh: zh.slice(0, 60),
			en: (en ?? '').slice(0, 80)
		}));
}
