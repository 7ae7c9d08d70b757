-- title: People
-- footprint: s.eff_footprint
-- sub_group: s.eff_sub_group
-- search: p.name
-- search: p.aliases
-- aggregated: true

SELECT {scope}p.id AS "ID", trim(coalesce(p.title || ' ', '') || p.name) AS "Name", p.aliases AS "Also spelled",
  p.substantive_role AS "Substantive role", o.name AS "Organisation",
  count(s.id) AS "Seats",
  -- string_agg(... ORDER BY ...) says the same, but sorts within each person's group: half the view's time at 100x
  -- the map. A list sorted afterwards by (seat ID, text) gives the same text; no text: NULL, as string_agg says.
  nullif(array_to_string(list_transform(list_sort(list_filter(list({'id': s.id, 'text': s.role
           || coalesce(' (' || s.programme || ')', '') || ', ' || coalesce(s.forum_name, s.organisation_name)}),
         lambda x: x.text IS NOT NULL)), lambda x: x.text), '; '), '') AS "Roles",
  nullif(array_to_string(list_sort(list_distinct(list(s.eff_footprint))), ', '), '') AS "Footprints",
  p.source AS "Source"
FROM people p
LEFT JOIN organisations o ON o.id = p.organisation_id
LEFT JOIN seats s ON s.person_id = p.id
GROUP BY p.id, p.title, p.name, p.aliases, p.substantive_role, o.name, p.source
HAVING {where}
ORDER BY {scope_order}"Seats" DESC, p.name
