//! The one integration-test binary: the real app on port 0, a fresh database per test, on
//! SQLite always and on PostgreSQL too when `TEST_DATABASE_URL` is set.

mod helpers;
mod mail;
mod mail_tls;

mod abuse;
mod accounts;
mod backups;
mod browser;
mod campaign_flow;
mod campaigns;
mod cli;
mod coordinator_flow;
mod countries;
mod dashboard;
mod data_package;
mod database_faults;
mod deploy;
mod directory;
mod directory_pages;
mod errors;
mod faults;
mod hardening;
mod health;
mod impersonation;
mod imports;
mod instances;
mod invitations;
mod languages;
mod ledger;
mod letters;
mod metrics;
mod migrations;
mod moderation;
mod open_data;
mod organisations;
mod overload;
mod permissions;
mod proxy;
mod security;
mod signing;
mod trust;
mod updates;
mod versions;
mod viral_reads;
