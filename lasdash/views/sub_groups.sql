-- title: The 11 stakeholder sub-groups and their categories
-- sub_group: sg.id

SELECT sg.id AS "ID", sg.name AS "Sub-group",
  (SELECT string_agg(c.name, '; ' ORDER BY c.id) FROM categories c WHERE c.sub_group_id = sg.id) AS "Categories",
  (SELECT count(*) FROM organisations o WHERE o.sub_group_id = sg.id) AS "Organisations (all footprints)",
  sg.contact_every_days AS "Default interval (days)",
  sg.source AS "Source"
FROM sub_groups sg
WHERE {where}
ORDER BY sg.id
