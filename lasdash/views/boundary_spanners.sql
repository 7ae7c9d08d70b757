-- title: Boundary spanners: people whose seats span the most forums and footprints
-- footprint: s.eff_footprint
-- sub_group: s.eff_sub_group
-- aggregated: true

SELECT {scope}s.person_id AS "ID", s.person_display AS "Person",
  count(DISTINCT coalesce(s.forum_id, s.organisation_id)) AS "Forums and organisations",
  count(DISTINCT s.eff_footprint) AS "Footprints", count(*) AS "Seats",
  count(DISTINCT s.eff_sub_group) AS "Sub-groups",
  string_agg(DISTINCT s.eff_footprint, ', ' ORDER BY s.eff_footprint) AS "Footprint list",
  string_agg(DISTINCT coalesce(s.forum_name, s.organisation_name), '; '
             ORDER BY coalesce(s.forum_name, s.organisation_name)) AS "Sits on",
  string_agg(DISTINCT s.source, '; ' ORDER BY s.source) AS "Source"
FROM seats s
WHERE NOT s.is_gap AND {where}
GROUP BY s.person_id, s.person_display, s.person_name
HAVING count(DISTINCT coalesce(s.forum_id, s.organisation_id)) >= 2
ORDER BY {scope_order}"Forums and organisations" DESC, "Footprints" DESC, "Seats" DESC, s.person_name, s.person_id
