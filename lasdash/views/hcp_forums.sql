-- title: HCP forums and the LAS role that should attend (Chart 2)
-- footprint: f.footprint
-- sub_group: f.sub_group_id

SELECT {scope}f.name AS "Forum",
  (SELECT string_agg(coalesce(s.person_display, 'Unknown'), '; ' ORDER BY s.id) FROM seats s
    WHERE s.forum_id = f.id AND s.role IN ('Chair', 'Co-chair', 'Independent Chair', 'Interim Chair')) AS "Chair",
  f.las_attendee AS "LAS attendee role", f.tier AS "Tier", f.kind AS "Kind", f.footprint AS "Footprint",
  f.note AS "Participants / note", f.source AS "Source"
FROM forum_x f
WHERE f.sub_group_id = 'SG01' AND {where}
ORDER BY {scope_order}array_position(['NWL','NCL','NEL','SEL','SWL','London','National'], f.footprint),
  array_position(['Board','Executive','Clinical','Programme'], f.tier) NULLS LAST, f.name
