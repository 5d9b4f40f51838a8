-- Does declarative partitioning by province, a BRIN index or a partial index pay on Lindung's
-- memberships? Run on a database built by bench/scale.py (LINDUNG_BENCH_KEEP=1) or by
-- `lindung demo build --scale N`, as its owner:
--
--     psql "$DATABASE_URL" -f bench/partitioning.sql
--
-- The reference, measured in the same run, is the table as migrated (one heap, B-tree indexes).
-- Everything happens in one transaction that is rolled back: the database is left as it was.
\timing on
\set ON_ERROR_STOP on
SET work_mem = '256MB';
SET max_parallel_workers_per_gather = 2;
BEGIN;

-- 1. A copy partitioned by province, with the indexes of the migrated table. The unique key
--    (kpj, start_date) cannot be kept: a unique index on a partitioned table must contain the
--    partition key, so the natural key would only be unique within a province.
CREATE TEMP TABLE bench_provinces AS SELECT DISTINCT province_code FROM registry_membership;
CREATE TABLE bench_pm (LIKE registry_membership INCLUDING DEFAULTS)
    PARTITION BY LIST (province_code);
DO $$
DECLARE p text;
BEGIN
    FOR p IN SELECT province_code FROM bench_provinces LOOP
        EXECUTE format('CREATE TABLE bench_pm_%s PARTITION OF bench_pm FOR VALUES IN (%L)', p, p);
    END LOOP;
END $$;
-- Loading: the same rows into the partitioned copy.
INSERT INTO bench_pm SELECT * FROM registry_membership;
CREATE INDEX ON bench_pm (province_code, regency_code, district_code, village_code);
CREATE INDEX ON bench_pm (start_date, end_date);
CREATE INDEX ON bench_pm (person_id);
CREATE UNIQUE INDEX ON bench_pm (province_code, kpj, start_date);
ANALYZE bench_pm;

-- 2. One province's memberships active on a day (the coverage live count's scan), each way.
\echo '== one province, active on 2025-06-30: migrated table, then partitioned'
SELECT count(*) FROM registry_membership
 WHERE province_code = '18' AND start_date <= '2025-06-30'
   AND (end_date IS NULL OR end_date > '2025-06-30');
SELECT count(*) FROM bench_pm
 WHERE province_code = '18' AND start_date <= '2025-06-30'
   AND (end_date IS NULL OR end_date > '2025-06-30');
\echo '== one regency, active on 2025-06-30: migrated table, then partitioned'
SELECT count(*) FROM registry_membership
 WHERE province_code = '18' AND regency_code = '18.71' AND start_date <= '2025-06-30'
   AND (end_date IS NULL OR end_date > '2025-06-30');
SELECT count(*) FROM bench_pm
 WHERE province_code = '18' AND regency_code = '18.71' AND start_date <= '2025-06-30'
   AND (end_date IS NULL OR end_date > '2025-06-30');
-- 3. The whole country (the coverage refresh's full scan), each way.
\echo '== every province, active on 2025-06-30: migrated table, then partitioned'
SELECT count(*) FROM registry_membership
 WHERE start_date <= '2025-06-30' AND (end_date IS NULL OR end_date > '2025-06-30');
SELECT count(*) FROM bench_pm
 WHERE start_date <= '2025-06-30' AND (end_date IS NULL OR end_date > '2025-06-30');
-- 4. A person's memberships by person_id (the registry's detail page and every join).
\echo '== 20,000 look-ups by person_id: migrated table, then partitioned'
SELECT count(*) FROM (SELECT id FROM registry_person ORDER BY id DESC LIMIT 20000) p
  JOIN registry_membership m ON m.person_id = p.id;
SELECT count(*) FROM (SELECT id FROM registry_person ORDER BY id DESC LIMIT 20000) p
  JOIN bench_pm m ON m.person_id = p.id;

-- 5. BRIN on start_date: only useful when the heap is in start_date order.
\echo '== physical order against start_date (1 = BRIN would pay)'
SELECT attname, round(correlation::numeric, 3) AS correlation FROM pg_stats
 WHERE tablename = 'registry_membership' AND attname IN ('start_date', 'end_date', 'id');
CREATE INDEX bench_brin ON registry_membership USING brin (start_date);
\echo '== sizes: the B-tree interval index, the BRIN index'
SELECT pg_size_pretty(pg_relation_size('membership_interval')) AS btree,
       pg_size_pretty(pg_relation_size('bench_brin')) AS brin;

-- 6. A partial index of open memberships (end_date IS NULL): "active today" without the ended.
CREATE INDEX bench_open ON registry_membership (province_code, start_date) WHERE end_date IS NULL;
ANALYZE registry_membership;
\echo '== open memberships of one province: with the partial index'
SELECT count(*) FROM registry_membership WHERE province_code = '18' AND end_date IS NULL;
\echo '== sizes: the partial index, the whole region index'
SELECT pg_size_pretty(pg_relation_size('bench_open')) AS partial,
       pg_size_pretty(pg_relation_size('registry_membership_rg')) AS region_index,
       pg_size_pretty(pg_total_relation_size('registry_membership')) AS table_total,
       pg_size_pretty(pg_total_relation_size('bench_pm')) AS partitioned_total;
ROLLBACK;
