-- title: Data gaps: chairs and vice chairs not known
-- footprint: s.eff_footprint
-- sub_group: s.eff_sub_group

SELECT {scope}coalesce(s.forum_name, s.organisation_name) AS "Forum or organisation", s.role AS "Role",
  s.eff_footprint AS "Footprint", s.note AS "Note", s.id AS "Seat ID", s.source AS "Source"
FROM seats s
WHERE s.is_gap AND s.role IN ('Chair', 'Co-chair', 'Independent Chair', 'Interim Chair', 'Vice Chair',
                              'Deputy Chair', 'Convenor') AND {where}
ORDER BY {scope_order}array_position(['NWL','NCL','NEL','SEL','SWL','London','National'], s.eff_footprint),
  "Forum or organisation", s.id
