-- Window queries (schedules, find-a-room, feeds, My bookings, the reconciler) read one stretch of time. Each has a
-- lower bound on starts_at (the window's start minus the longest a booking may last, see WINDOW_LOOKBACK_MS in
-- server/bookings/repo.ts), so these indexes serve them without reading history however much of it piles up.

-- Every state, per room (bookings_by_room_time covers active states only): day view, week view, feeds.
CREATE INDEX bookings_by_room_start ON bookings (room_id, starts_at);

-- Meetings booked in Outlook have no maximum length. The few longer than the look-back are found through this small
-- partial index; the query repeats its WHERE term exactly so SQLite can use it.
CREATE INDEX external_bookings_long ON external_bookings (room_id, starts_at)
  WHERE julianday(ends_at) - julianday(starts_at) > 1;
