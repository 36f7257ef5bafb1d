DROP TABLE letters;
DROP TABLE organisations;
DROP TABLE coalitions;
DROP TABLE countries;
