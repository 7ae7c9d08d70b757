-- title: Data gaps: leads marked TBC in the source
-- footprint: s.eff_footprint
-- sub_group: s.eff_sub_group

SELECT {scope}coalesce(s.programme, s.forum_name, s.organisation_name) AS "Programme or forum", s.role AS "Role",
  s.area AS "Area", s.eff_footprint AS "Footprint", coalesce(s.person_display, 'Unknown') AS "Person",
  s.note AS "Note", s.id AS "Seat ID", s.source AS "Source"
FROM seats s
WHERE regexp_matches(s.note, '\bTBC\b', 'i') AND {where}
ORDER BY {scope_order}"Programme or forum", s.id
