-- title: Network links: each named seat as person to forum or organisation
-- footprint: s.eff_footprint
-- sub_group: s.eff_sub_group

SELECT {scope}s.person_id AS "Person ID", s.person_display AS "Person",
  coalesce(s.forum_id, s.organisation_id) AS "Place ID",
  coalesce(s.forum_name, s.organisation_name) AS "Forum or organisation",
  CASE WHEN s.forum_id IS NOT NULL THEN 'Forum' ELSE 'Organisation' END AS "Place type",
  s.role AS "Role", s.programme AS "Programme", s.eff_footprint AS "Footprint", s.id AS "Seat ID",
  s.source AS "Source"
FROM seats s
WHERE NOT s.is_gap AND {where}
ORDER BY {scope_order}s.person_name, s.id
