/** Forms that change a subscription, enhanced as the family pages' are. */
export const csr = true;
