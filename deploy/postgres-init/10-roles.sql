-- MDS connectée — database roles (docs/securite.md, « Deux rôles PostgreSQL »).
-- Run once by the postgres image on an empty volume (/docker-entrypoint-initdb.d), as POSTGRES_USER,
-- which owns the database and runs the migrations (MIGRATION_DATABASE_URL).
-- The application (web, worker, beat: DATABASE_URL) logs in as mds_app: neither superuser nor owner.
-- Its table rights are granted by `manage.py migrate` after each migration (core/db_roles.py):
-- everything on ordinary tables, only SELECT and INSERT on the journals.
-- Existing volume: docker compose exec -e POSTGRES_APP_PASSWORD postgres \
--   psql -U mds -d mds -f /docker-entrypoint-initdb.d/10-roles.sql
\set ON_ERROR_STOP on
\getenv app_password POSTGRES_APP_PASSWORD
SELECT :'app_password' <> '' AS app_password_given \gset
\if :app_password_given
\else
  \echo 'POSTGRES_APP_PASSWORD manquant : rôle applicatif non créé.'
  \quit
\endif
SELECT NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'mds_app') AS app_role_missing \gset
\if :app_role_missing
  CREATE ROLE mds_app LOGIN;
\endif
ALTER ROLE mds_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT
  PASSWORD :'app_password';
GRANT CONNECT ON DATABASE mds TO mds_app;
GRANT USAGE ON SCHEMA public TO mds_app;
