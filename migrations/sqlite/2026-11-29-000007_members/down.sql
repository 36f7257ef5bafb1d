DROP TABLE coalition_organisations;
