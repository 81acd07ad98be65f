package lessons

import "fmt"

// SMSLessonTitle is how a lesson is announced on SMS, ahead of its first
// card: "Pelajaran 2/6: BPD dan Musyawarah Desa". The engine sends it and
// the checker counts it, since it goes out in the same SMS as the card.
// position is 1-based; total is the number of lessons in the course.
func SMSLessonTitle(position, total int, title string) string {
	return fmt.Sprintf("Pelajaran %d/%d: %s", position, total, title)
}
