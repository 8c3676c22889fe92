// The words live beside the components (they are needed in the browser too).
export * from '$lib/components/promote-labels';
