-- title: People
-- footprint: s.eff_footprint
-- sub_group: s.eff_sub_group
-- search: p.name
-- search: p.aliases
-- aggregated: true

SELECT {scope}p.id AS "ID", trim(coalesce(p.title || ' ', '') || p.name) AS "Name", p.aliases AS "Also spelled",
  p.substantive_role AS "Substantive role", o.name AS "Organisation",
  count(s.id) AS "Seats",
  string_agg(s.role || coalesce(' (' || s.programme || ')', '') || ', ' ||
             coalesce(s.forum_name, s.organisation_name), '; ' ORDER BY s.id) AS "Roles",
  string_agg(DISTINCT s.eff_footprint, ', ' ORDER BY s.eff_footprint) AS "Footprints",
  p.source AS "Source"
FROM people p
LEFT JOIN organisations o ON o.id = p.organisation_id
LEFT JOIN seats s ON s.person_id = p.id
GROUP BY p.id, p.title, p.name, p.aliases, p.substantive_role, o.name, p.source
HAVING {where}
ORDER BY {scope_order}"Seats" DESC, p.name
