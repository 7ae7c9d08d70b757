-- title: Forums
-- footprint: f.footprint
-- sub_group: f.sub_group_id
-- owner: f.las_attendee

SELECT {scope}f.id AS "ID", f.name AS "Name", f.kind AS "Kind", f.tier AS "Tier", f.footprint AS "Footprint",
  f.host_name AS "Host organisation", f.programme AS "Programme / theme", f.cadence AS "Cadence",
  f.las_attendee AS "LAS attendee role",
  (SELECT string_agg(coalesce(s.person_display, 'Unknown'), '; ' ORDER BY s.id) FROM seats s
    WHERE s.forum_id = f.id AND s.role IN ('Chair', 'Co-chair', 'Independent Chair', 'Interim Chair')) AS "Chair",
  f.budget_gbp AS "Budget (£)", f.note AS "Note", f.source AS "Source"
FROM forum_x f
WHERE {where}
ORDER BY {scope_order}array_position(['NWL','NCL','NEL','SEL','SWL','London','National'], f.footprint), f.tier, f.name
