-- Check-in settings change what schedules, door displays and reports show (who must check in, who counts as a
-- no-show), so they bump the data version like every other table those pages read (server/schedule/invalidation.ts).
CREATE TRIGGER schedule_changes_checkin_room_settings_insert AFTER INSERT ON checkin_room_settings BEGIN UPDATE schedule_changes SET version = version + 1; END;
CREATE TRIGGER schedule_changes_checkin_room_settings_update AFTER UPDATE ON checkin_room_settings BEGIN UPDATE schedule_changes SET version = version + 1; END;
CREATE TRIGGER schedule_changes_checkin_room_settings_delete AFTER DELETE ON checkin_room_settings BEGIN UPDATE schedule_changes SET version = version + 1; END;
CREATE TRIGGER schedule_changes_checkin_building_defaults_insert AFTER INSERT ON checkin_building_defaults BEGIN UPDATE schedule_changes SET version = version + 1; END;
CREATE TRIGGER schedule_changes_checkin_building_defaults_update AFTER UPDATE ON checkin_building_defaults BEGIN UPDATE schedule_changes SET version = version + 1; END;
CREATE TRIGGER schedule_changes_checkin_building_defaults_delete AFTER DELETE ON checkin_building_defaults BEGIN UPDATE schedule_changes SET version = version + 1; END;
