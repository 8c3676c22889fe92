// The register is read and marked with plain forms: it hydrates nothing, so the page for a large
// course carries no copy of its data for the browser's JavaScript.
export const csr = false;
