"""The shop itself: the seller's profile (identity, contacts, IBAN, legal mentions) and the
staff members who sign in at the counter."""
