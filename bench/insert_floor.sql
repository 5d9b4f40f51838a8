-- The floor of the participant import into a populated registry: 100,000 persons and their
-- memberships, copied from province 33 under new keys, inserted set-based three ways. Run on a
-- database built by bench/scale.py (LINDUNG_BENCH_KEEP=1) or `lindung demo build --scale N`
-- with at least two provinces, as a superuser (way c switches off the foreign-key triggers):
--
--     psql "$DATABASE_URL" -f bench/insert_floor.sql
--
-- a: plain INSERT, sorted by key; b: INSERT … ON CONFLICT … DO UPDATE (the import's upsert);
-- c: plain INSERT without foreign-key checks (for measurement only). All rolled back.
\timing on
\set ON_ERROR_STOP on
SET work_mem = '256MB';
BEGIN;
CREATE TEMP TABLE np AS SELECT * FROM registry_person WHERE province_code = '33' ORDER BY id LIMIT 100000;
UPDATE np SET nik = '77' || substr(nik, 3), id = id + 900000000;
CREATE TEMP TABLE nm AS SELECT m.* FROM registry_membership m JOIN (SELECT id - 900000000 AS old FROM np) o ON o.old = m.person_id;
UPDATE nm SET id = id + 900000000, person_id = person_id + 900000000, kpj = '77' || kpj;
ANALYZE np; ANALYZE nm;
SELECT count(*) FROM nm;
-- a: plain insert, sorted by key
SAVEPOINT a;
INSERT INTO registry_person SELECT * FROM np ORDER BY nik;
INSERT INTO registry_membership SELECT * FROM nm ORDER BY kpj, start_date;
ROLLBACK TO SAVEPOINT a;
-- b: ON CONFLICT upsert (as the chunk path)
SAVEPOINT b;
INSERT INTO registry_person SELECT * FROM np ORDER BY nik ON CONFLICT (nik) DO UPDATE SET name = excluded.name WHERE registry_person.name IS DISTINCT FROM excluded.name;
INSERT INTO registry_membership SELECT * FROM nm ORDER BY kpj, start_date ON CONFLICT (kpj, start_date) DO UPDATE SET wage = excluded.wage WHERE registry_membership.wage IS DISTINCT FROM excluded.wage;
ROLLBACK TO SAVEPOINT b;
-- c: plain, no FK triggers (measurement only: superuser)
SAVEPOINT c;
SET LOCAL session_replication_role = replica;
INSERT INTO registry_person SELECT * FROM np ORDER BY nik;
INSERT INTO registry_membership SELECT * FROM nm ORDER BY kpj, start_date;
ROLLBACK TO SAVEPOINT c;
ROLLBACK;
