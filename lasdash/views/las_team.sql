-- title: LAS team: who is who at LAS, and what each role owns, leads and attends
-- search: coalesce(t.role, '') || ' ' || coalesce(t.name, '')
-- A cell counts for a member when any of its parts is the member's role or name (as list_has_any would say), by
-- an equality join of parts to keys: comparing every member with every cell was 0.4 s at 100x the map.

WITH keyed AS (
  SELECT t.*, list_filter([lower(trim(regexp_replace(t.role, '\s+', ' ', 'g'))),
                           lower(trim(regexp_replace(t.name, '\s+', ' ', 'g')))], lambda k: k IS NOT NULL AND k <> '') AS keys
  FROM las_team t),
member_keys AS (SELECT DISTINCT id, unnest(keys) AS k FROM keyed),
named AS (  -- an owner, lead or attendee cell (n: which one) as its matchable parts, one row each
  SELECT kind, n, unnest(list_transform(string_split(coalesce(cell, ''), ';'),
                                        lambda x: lower(trim(regexp_replace(x, '\s+', ' ', 'g'))))) AS part
  FROM (SELECT 'org' AS kind, row_number() OVER () AS n, las_owner AS cell FROM organisations
        UNION ALL SELECT 'forum', row_number() OVER (), las_attendee FROM forums
        UNION ALL SELECT 'rec', row_number() OVER (), owner FROM recommendations
          WHERE coalesce(status, '') NOT IN ('Done', 'Closed', 'Superseded'))),
counted AS (
  SELECT m.id, count(DISTINCT c.n) FILTER (WHERE c.kind = 'org') AS orgs,
    count(DISTINCT c.n) FILTER (WHERE c.kind = 'forum') AS forums,
    count(DISTINCT c.n) FILTER (WHERE c.kind = 'rec') AS recs
  FROM member_keys m JOIN named c ON c.part = m.k
  GROUP BY m.id)
SELECT t.id AS "ID", t.role AS "Role", t.name AS "Name", t.email AS "Email",
  coalesce(c.orgs, 0) AS "Organisations owned",
  coalesce(c.forums, 0) AS "Forums to attend",
  coalesce(c.recs, 0) AS "Open recommendations owned",
  t.note AS "Note", t.source AS "Source"
FROM keyed t LEFT JOIN counted c ON c.id = t.id
WHERE {where}
ORDER BY t.id
