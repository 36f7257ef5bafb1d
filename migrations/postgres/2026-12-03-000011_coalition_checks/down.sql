UPDATE organisations SET verification = 'coordinator'
WHERE verification = 'unverified'
  AND id IN (SELECT organisation_id FROM organisation_checks);
DROP TABLE organisation_checks;
