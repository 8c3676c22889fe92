-- A new version of the consent text: the first one said nothing of the answers to organisers'
-- questions (a child's allergies and needs are health data) nor of the phone number shown to an
-- organiser around an event. A guardian agrees again before the next child is added or registered.
insert into public.privacy_texts (version, title_zh, title_en, body_zh, body_en)
values (
	'2026-12',
	'儿童个人信息处理知情同意书',
	'Consent to the processing of children''s personal information',
	$zh$为了给您的孩子报名参加家校社协同育人活动，我们需要记录孩子的昵称、出生年月和年级（选填）。我们不会收集姓名全称、身份证号或照片。
这些信息仅用于：核对活动的年龄要求、统计报名人数、在活动现场签到。主办单位工作人员只能看到孩子的昵称和年龄。
报名时，主办方可能请您回答一些问题（如过敏与饮食、需要的协助、年级、学校），您也可以给主办方留言。其中孩子的过敏、健康和需要的协助属于敏感个人信息：只有该活动主办单位的工作人员能看到，仅用于安排这次活动，随报名一起保存，删除家庭信息时一并删除。
您的完整手机号只在活动开始前3天至结束后1天内、由主办单位工作人员逐次点击查看，用于必要时联系您；每次查看都会记录（谁、何时），您可以在导出的家庭信息中看到。其他时候工作人员只能看到部分隐藏的号码。
信息保存在本区的服务器上，不会提供给第三方，也不会用于营销。您可以随时查看、导出或删除家庭信息；删除后我们将同时取消您尚未开始的报名。
根据《中华人民共和国个人信息保护法》，不满十四周岁未成年人的个人信息属于敏感个人信息，需取得监护人的单独同意。点击“同意”即表示您作为监护人单独同意上述处理。$zh$,
	$en$To register your child for home–school–community co-education events we record the child's nickname, birth year and month, and (optionally) school grade. We do not collect full names, ID numbers or photos.
This information is used only to check an event's age range, count registrations and check families in at the door. Organisers' staff see only the child's nickname and age.
When you register, an organiser may ask questions (such as allergies and diet, access needs, grade, school), and you may leave the organiser a note. A child's allergies, health and needs are sensitive personal information: only the staff of the organisation running that event can see them, they are used only to run that event, kept with the registration, and deleted when you delete your family's data.
Your full phone number is shown to the organiser's staff only from 3 days before the event to 1 day after it, one press at a time, so they can reach you when needed; every time it is shown is recorded (who and when) and listed in your family's data export. At other times staff see only part of the number.
It is kept on the district's server, never given to third parties and never used for marketing. You can view, export or delete your family's data at any time; deleting it also cancels your registrations for events that have not started.
Under China's Personal Information Protection Law, the personal information of children under fourteen is sensitive personal information and requires a guardian's separate consent. By choosing "I agree" you, as guardian, give that separate consent.$en$
);
