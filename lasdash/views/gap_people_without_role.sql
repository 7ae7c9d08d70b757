-- title: Data gaps: people with no seat
-- footprint: o.footprint
-- sub_group: o.sub_group_id
-- null_is_wider: true

SELECT {scope}p.id AS "ID", trim(coalesce(p.title || ' ', '') || p.name) AS "Name",
  p.substantive_role AS "Substantive role", o.name AS "Organisation", o.footprint AS "Footprint",
  p.source AS "Source"
FROM people p LEFT JOIN organisations o ON o.id = p.organisation_id
WHERE NOT EXISTS (SELECT 1 FROM roles r WHERE r.person_id = p.id) AND {where}
ORDER BY {scope_order}p.name, p.id
