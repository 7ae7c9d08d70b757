-- title: Chairs and vice chairs of London-wide local government bodies
-- footprint: o.footprint
-- sub_group: o.sub_group_id

SELECT {scope}s.organisation_name AS "Organisation", s.role AS "Role", coalesce(s.person_display, 'Unknown') AS "Person",
  s.note AS "Note", s.source AS "Source"
FROM seats s JOIN organisations o ON o.id = s.organisation_id
WHERE s.forum_id IS NULL AND o.sub_group_id = 'SG03' AND o.footprint = 'London'
  AND s.role IN ('Chair', 'Vice Chair') AND {where}
ORDER BY {scope_order}s.organisation_name, array_position(['Chair', 'Vice Chair'], s.role)
