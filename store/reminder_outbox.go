package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/pamong-desa/pamong/bot"
)

// botMessage is one bot-initiated message (a nudge, a review question) to
// queue.
type botMessage struct {
	LearnerID   int64
	Channel     bot.Channel
	To          string
	VillageCode string
	Message     bot.Message
}

// enqueueBotMessages writes bot-initiated messages as bulk outbox rows,
// like announcements: priority 1 (behind replies), due at the send time
// moved out of the learner's quiet hours by the one SQL rule
// (pamong_next_window), so the dispatcher's bulk checks (opt-out, quiet
// hours, WhatsApp pacing) hold for them too. Content keeps the message
// before rendering for an SMS fallback.
const enqueueBotMessages = `
INSERT INTO outbox (learner_id, channel, to_address, text, content, segments, priority,
                    next_attempt_at, created_at, updated_at)
SELECT u.learner_id, u.channel, u.to_address, u.text, u.content::jsonb, u.segments, 1,
       pamong_next_window($8, nullif(u.village_code, '')), pamong_next_window($8, nullif(u.village_code, '')), $8
FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[])
     WITH ORDINALITY AS u(learner_id, channel, to_address, text, content, segments, village_code, n)
ORDER BY u.n`

// queueBotMessages renders and queues msgs in one statement, wakes the
// dispatcher, and returns how many rows it wrote.
func queueBotMessages(ctx context.Context, tx *sqlx.Tx, msgs []botMessage, now time.Time) (int, error) {
	var (
		ids                               []int64
		chans, tos, texts, contents, vill []string
		segs                              []int64
	)
	for _, m := range msgs {
		for _, r := range bot.Render(m.Channel, []bot.Message{m.Message}) {
			content, err := json.Marshal(r.Content)
			if err != nil {
				return 0, fmt.Errorf("queue message to learner %d: %w", m.LearnerID, err)
			}
			n, _ := bot.Segments(r.Text)
			ids, chans, tos = append(ids, m.LearnerID), append(chans, string(m.Channel)), append(tos, m.To)
			texts, contents, vill = append(texts, r.Text), append(contents, string(content)), append(vill, m.VillageCode)
			segs = append(segs, int64(n))
		}
	}
	if len(ids) == 0 {
		return 0, nil
	}
	if _, err := tx.ExecContext(ctx, enqueueBotMessages, pq.Array(ids), pq.Array(chans), pq.Array(tos),
		pq.Array(texts), pq.Array(contents), pq.Array(segs), pq.Array(vill), now); err != nil {
		return 0, fmt.Errorf("queue %d bot-initiated messages: %w", len(ids), err)
	}
	if err := notify(ctx, tx); err != nil {
		return 0, err
	}
	return len(ids), nil
}
