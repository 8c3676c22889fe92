/** Storage test fixtures shared by the storage conformance tests and the storage bench. */

/** Buckets and policies as a project's migration would write them. */
export const storageFixture = String.raw`
insert into storage.buckets (id, name, public) values ('covers', 'covers', true);
insert into storage.buckets (id, name, public) values ('homework', 'homework', false);
insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
	values ('photos', 'photos', false, 2048, '{image/*,application/pdf}');

create policy "Anyone can read covers" on storage.objects for select to anon, authenticated
	using (bucket_id = 'covers');
create policy "Users read their own folder" on storage.objects for select to authenticated
	using (bucket_id in ('homework', 'photos')
		and (storage.foldername(name))[1] = (select auth.uid())::text);
create policy "Users add to their own folder" on storage.objects for insert to authenticated
	with check (bucket_id in ('homework', 'photos', 'covers')
		and (storage.foldername(name))[1] = (select auth.uid())::text);
create policy "Users change their own files" on storage.objects for update to authenticated
	using ((storage.foldername(name))[1] = (select auth.uid())::text)
	with check ((storage.foldername(name))[1] = (select auth.uid())::text);
create policy "Users remove their own files" on storage.objects for delete to authenticated
	using ((storage.foldername(name))[1] = (select auth.uid())::text);
create policy "Only PDFs in homework/shared" on storage.objects for insert to authenticated
	with check (bucket_id = 'homework' and name like 'shared/%' and storage.extension(name) = 'pdf');
`;
