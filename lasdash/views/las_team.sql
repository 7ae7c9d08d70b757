-- title: LAS team: who is who at LAS, and what each role owns, leads and attends
-- search: coalesce(t.role, '') || ' ' || coalesce(t.name, '')

WITH keyed AS (
  SELECT t.*, list_filter([lower(trim(regexp_replace(t.role, '\s+', ' ', 'g'))),
                           lower(trim(regexp_replace(t.name, '\s+', ' ', 'g')))], lambda k: k IS NOT NULL AND k <> '') AS keys
  FROM las_team t),
named AS (  -- an owner, lead or attendee cell as its list of matchable parts
  SELECT kind, list_transform(string_split(coalesce(cell, ''), ';'), lambda x: lower(trim(regexp_replace(x, '\s+', ' ', 'g')))) AS parts
  FROM (SELECT 'org' AS kind, las_owner AS cell FROM organisations
        UNION ALL SELECT 'forum', las_attendee FROM forums
        UNION ALL SELECT 'rec', owner FROM recommendations
          WHERE coalesce(status, '') NOT IN ('Done', 'Closed', 'Superseded')))
SELECT t.id AS "ID", t.role AS "Role", t.name AS "Name", t.email AS "Email",
  (SELECT count(*) FROM named n WHERE n.kind = 'org' AND list_has_any(n.parts, t.keys)) AS "Organisations owned",
  (SELECT count(*) FROM named n WHERE n.kind = 'forum' AND list_has_any(n.parts, t.keys)) AS "Forums to attend",
  (SELECT count(*) FROM named n WHERE n.kind = 'rec' AND list_has_any(n.parts, t.keys)) AS "Open recommendations owned",
  t.note AS "Note", t.source AS "Source"
FROM keyed t
WHERE {where}
ORDER BY t.id
