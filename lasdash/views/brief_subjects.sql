-- title: Brief subjects: every forum, organisation and person by ID, with the names that find it and its own facts
-- footprint: x.footprint
-- sub_group: x.sub_group_id
-- search: x.name
-- search: x.aliases
-- search: '|' || x.id || '|'
-- search: '|' || x.organisation_id || '|'
-- A brief reads its subject here by searching '|ID|' (the forums and organisations views cannot be filtered by ID, so
-- on a large map a brief would read all of a footprint's rows to use one). Organisation ID is a forum's host, an
-- organisation's parent or a person's organisation; a person's footprint and sub-group are their organisation's.
-- Columns another kind lacks are blank. Chair is the forums view's Chair.

WITH x AS (
  SELECT 'forum' AS kind, 1 AS n, f.id, f.name, NULL AS title, NULL AS aliases,
    concat_ws(' · ', f.kind, f.footprint, f.host_name) AS detail, f.footprint, f.sub_group_id,
    f.host_organisation_id AS organisation_id, f.host_name AS organisation, NULL AS sub_group, f.kind AS category,
    f.tier, f.programme, f.cadence, f.las_attendee, NULL AS borough, NULL AS power, NULL AS interest,
    NULL AS target_level, NULL AS las_owner, NULL::BIGINT AS contact_every_days, f.source
  FROM forum_x f
  UNION ALL
  SELECT 'organisation', 2, o.id, o.name, NULL, o.aliases, concat_ws(' · ', sg.name, o.footprint),
    o.footprint, o.sub_group_id, o.parent_id, po.name, sg.name, o.category, NULL, NULL, NULL, NULL,
    o.borough, o.power, o.interest, o.target_level, o.las_owner,
    coalesce(o.contact_every_days, sg.contact_every_days), o.source
  FROM organisations o
  LEFT JOIN sub_groups sg ON sg.id = o.sub_group_id
  LEFT JOIN organisations po ON po.id = o.parent_id
  UNION ALL
  SELECT 'person', 3, p.id, p.name, p.title, p.aliases, coalesce(p.substantive_role, o.name), o.footprint,
    o.sub_group_id, p.organisation_id, o.name, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
    NULL, p.source
  FROM people p LEFT JOIN organisations o ON o.id = p.organisation_id),
chosen AS (SELECT * FROM x WHERE {where})
SELECT {scope}x.kind AS "Kind", x.id AS "ID", x.name AS "Name", x.title AS "Title", x.aliases AS "Aliases",
  x.detail AS "Detail", x.footprint AS "Footprint", x.organisation_id AS "Organisation ID",
  x.organisation AS "Organisation", x.sub_group AS "Sub-group", x.category AS "Kind or category", x.tier AS "Tier",
  x.programme AS "Programme / theme", x.cadence AS "Cadence", x.las_attendee AS "LAS attendee role",
  -- the chair is looked up only for the rows asked for
  (SELECT string_agg(coalesce(s.person_display, 'Unknown'), '; ' ORDER BY s.id) FROM seats s
    WHERE x.kind = 'forum' AND s.forum_id = x.id
      AND s.role IN ('Chair', 'Co-chair', 'Independent Chair', 'Interim Chair')) AS "Chair",
  x.borough AS "Borough", x.power AS "Power", x.interest AS "Interest", x.target_level AS "Target engagement",
  x.las_owner AS "LAS relationship owner", x.contact_every_days AS "Contact every (days)", x.source AS "Source"
FROM chosen x
ORDER BY {scope_order}x.n, x.name, x.id
