-- title: What each LAS team member is responsible for: relationships, next contacts, forums, recommendations
-- footprint: m.footprint_filter
-- sub_group: m.sub_group_id
-- null_is_wider: true
-- owner: m.owner_cell
-- One row per item, in My relationships' four sections and their order; the same logic as the views behind them
-- (relationships, next_contacts, attendee_forums, owned_recommendations), which tests/test_page_mine.py checks;
-- a relationship's state is rel_x's, as everywhere.
-- Unfiltered, only items someone is named for. footprint_filter: a relationship or forum without a footprint is
-- left out under an HCP filter, as in relationships and attendee_forums; the others then count as London-wide.

WITH chairs AS (
  SELECT s.forum_id,
    string_agg(coalesce(s.person_display, 'Unknown')
               || coalesce(' (' || coalesce(s.organisation_name, ho.name) || ')', ''), '; ' ORDER BY s.id) AS chair
  FROM seats s
  LEFT JOIN people p ON p.id = s.person_id
  LEFT JOIN organisations ho ON ho.id = p.organisation_id
  WHERE s.role IN ('Chair', 'Co-chair', 'Independent Chair', 'Interim Chair')
  GROUP BY s.forum_id),
items AS (
  SELECT 1 AS section, row_number() OVER (ORDER BY r.state_rank,
      r.days_since - r.contact_every_days DESC NULLS LAST, r.days_since DESC NULLS LAST, r.sub_group_id, r.name) AS n,
    'Relationship' AS what, r.name, r.status, r.contact_due AS date,
    concat_ws('; ', 'contact every ' || r.contact_every_days || ' days',
              'last contact ' || strftime(r.last_contact, '%d %b %Y')) AS detail,
    r.footprint, coalesce(r.footprint, '-') AS footprint_filter, r.sub_group_id, r.las_owner AS owner_cell,
    r.id, r.source
  FROM rel_x r
  UNION ALL
  SELECT 2, row_number() OVER (ORDER BY e.next_contact, o.name NULLS LAST, e.id), 'Next contact',
    coalesce(o.name, f.name, trim(coalesce(p.title || ' ', '') || p.name)), 'Planned', e.next_contact,
    e.next_steps, coalesce(o.footprint, f.footprint, po.footprint), coalesce(o.footprint, f.footprint, po.footprint),
    coalesce(o.sub_group_id, f.sub_group_id, po.sub_group_id),
    concat_ws('; ', o.las_owner, e.las_lead), e.id, e.source
  FROM engagements e
  LEFT JOIN organisations o ON o.id = e.organisation_id
  LEFT JOIN people p ON p.id = e.person_id
  LEFT JOIN organisations po ON po.id = p.organisation_id
  LEFT JOIN forum_x f ON f.id = e.forum_id
  WHERE e.next_contact BETWEEN getvariable('today') AND getvariable('today') + 28
  UNION ALL
  SELECT 3, row_number() OVER (ORDER BY array_position(['NWL','NCL','NEL','SEL','SWL','London','National'], f.footprint),
      array_position(['Board','Executive','Clinical','Programme'], f.tier) NULLS LAST, f.name),
    'Forum to attend', f.name, 'To attend', NULL,
    concat_ws('; ', 'Chair: ' || coalesce(c.chair, 'not on the map'), f.kind), f.footprint, coalesce(f.footprint, '-'), f.sub_group_id,
    f.las_attendee, f.id, f.source
  FROM forum_x f LEFT JOIN chairs c ON c.forum_id = f.id
  WHERE trim(coalesce(f.las_attendee, '')) <> ''
  UNION ALL
  SELECT 4, row_number() OVER (ORDER BY CASE WHEN r.due < getvariable('today') THEN getvariable('today') - r.due END
      DESC NULLS LAST, r.due NULLS LAST, r.document_id, r.id),
    'Recommendation', coalesce(r.reference || ': ', '') || r.text, coalesce(r.status, 'Not recorded'), r.due,
    concat_ws('; ', CASE WHEN r.due < getvariable('today') THEN (getvariable('today') - r.due) || ' days overdue' END,
              'made by ' || o.name),
    o.footprint, o.footprint, o.sub_group_id, r.owner, r.id, r.source
  FROM recommendations r LEFT JOIN organisations o ON o.id = r.made_by_id
  WHERE coalesce(r.status, '') NOT IN ('Done', 'Closed', 'Superseded'))
SELECT {scope}m.what AS "What", m.name AS "Name", m.status AS "Status", m.date AS "Date", m.detail AS "Detail",
  m.footprint AS "Footprint", m.owner_cell AS "LAS owner", m.id AS "ID", m.source AS "Source"
FROM items m
WHERE trim(replace(coalesce(m.owner_cell, ''), ';', '')) <> '' AND {where}
ORDER BY {scope_order}m.section, m.n
