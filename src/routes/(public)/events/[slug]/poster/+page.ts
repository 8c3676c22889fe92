/** Staff print it: the print button needs the browser. */
export const csr = true;
