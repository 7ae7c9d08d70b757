-- title: Roles (who sits where)
-- footprint: s.eff_footprint
-- sub_group: s.eff_sub_group
-- search: s.person_name
-- search: s.person_aliases

SELECT {scope}s.id AS "ID", coalesce(s.person_display, 'Unknown') AS "Person", s.role AS "Role",
  s.forum_name AS "Forum", s.organisation_name AS "Organisation", s.programme AS "Programme",
  s.area AS "Area", s.eff_footprint AS "Footprint", s.start_date AS "From", s.end_date AS "To",
  s.note AS "Note", s.source AS "Source"
FROM seats s
WHERE {where}
ORDER BY {scope_order}array_position(['NWL','NCL','NEL','SEL','SWL','London','National'], s.eff_footprint), s.forum_name, s.id
