-- ropa: network or movement logs summarised where they live, for `ropa check --observed`.
--
-- One statement of portable SQL: it runs unchanged on DuckDB, Spark SQL and
-- Trino/Athena (no engine-specific function, no trailing semicolon: add one where a
-- command-line client needs it). It reads a relation named flow_logs, which you make
-- a view over your own table, with these columns (NULL where the log has none):
--
--   source          VARCHAR  the address or host that opened the connection
--                            (or sent the data)
--   target          VARCHAR  the other end: an address, a host, a dataset URI
--   source_port     INTEGER  ports, when the log has them: a record from a lower
--   target_port     INTEGER  port to a higher one is the reply of a connection and
--                            is folded into it (the VPC flow log layout)
--   data_categories VARCHAR  categories seen on the movement, separated by ';'
--   observed_at     any type that sorts by time (a TIMESTAMP, an ISO 8601 string,
--                            epoch seconds)
--   bytes           BIGINT   rows with 0 bytes moved nothing
--   action          VARCHAR  rows rejected, denied, dropped or blocked moved nothing
--
-- and writes one row per (source, target, data_categories): first seen, last seen
-- and how many records, which `ropa check --observed` reads as CSV or JSON lines.
-- The rows are connections (`connection` true): which way the personal data went is
-- not in a network log, so a declared flow either way between the ends explains them.
SELECT
    source,
    target,
    data_categories,
    MIN(observed_at) AS first_seen,
    MAX(observed_at) AS last_seen,
    COUNT(*) AS count,
    'true' AS connection
FROM (
    SELECT
        CASE WHEN source_port < target_port THEN target ELSE source END AS source,
        CASE WHEN source_port < target_port THEN source ELSE target END AS target,
        COALESCE(data_categories, '') AS data_categories,
        observed_at
    FROM flow_logs
    WHERE source IS NOT NULL
      AND target IS NOT NULL
      AND (bytes IS NULL OR bytes > 0)
      AND (action IS NULL OR UPPER(action) NOT IN
           ('REJECT', 'REJECTED', 'DENY', 'DENIED', 'DROP', 'DROPPED', 'BLOCK', 'BLOCKED'))
) AS moved
GROUP BY source, target, data_categories
ORDER BY source, target, data_categories
