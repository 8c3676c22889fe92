// Figures, charts drawn on the server, GET forms and links: nothing here needs JavaScript.
export const csr = false;
