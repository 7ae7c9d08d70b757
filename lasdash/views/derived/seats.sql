-- title: The current seats
-- a seat that has ended is history, not a current seat

SELECT * FROM all_seats WHERE end_date IS NULL OR end_date >= getvariable('today')
