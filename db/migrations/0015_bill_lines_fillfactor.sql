-- Hand-written: half of each bill_lines page is left free. A line is inserted, then
-- updated when it is settled (and re-rated while its day is open); with room on its
-- page the new version stays there (a HOT update) and none of the table's five
-- indexes is written again. Filled pages sent every settlement to another page and
-- into every index: at a month close that update was the server's largest cost.
ALTER TABLE "bill_lines" SET (fillfactor = 50);
