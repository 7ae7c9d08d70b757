-- title: Organisations with their sub-group's name and whether and when they were last engaged

SELECT o.*, sg.name AS sub_group_name,
       EXISTS (SELECT 1 FROM engagements e WHERE e.organisation_id = o.id) AS engaged,
       (SELECT max(e.date) FROM engagements e WHERE e.organisation_id = o.id) AS last_engaged
FROM organisations o LEFT JOIN sub_groups sg ON sg.id = o.sub_group_id
