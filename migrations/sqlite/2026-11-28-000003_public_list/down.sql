DROP TABLE letter_country_counts;
DROP TABLE signature_events;
DROP TABLE public_signatories;
