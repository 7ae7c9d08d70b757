-- title: LAS roles by forum and HCP (Chart 2)
-- footprint: f.footprint
-- sub_group: f.sub_group_id

SELECT {scope}trim(r.role) AS "LAS role", f.footprint AS "Footprint", f.name AS "Forum", f.tier AS "Tier",
  f.source AS "Source"
FROM forum_x f, unnest(string_split(f.las_attendee, ';')) AS r(role)
WHERE trim(r.role) <> '' AND {where}
ORDER BY {scope_order}"LAS role", array_position(['NWL','NCL','NEL','SEL','SWL','London','National'], f.footprint), f.name
