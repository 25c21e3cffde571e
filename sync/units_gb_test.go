package sync_test

import "golang.org/x/text/encoding/simplifiedchinese"

// encodeGB18030 encodes UTF-8 text as GB18030, as Windows editors save
// CSV files.
func encodeGB18030(b []byte) ([]byte, error) {
	return simplifiedchinese.GB18030.NewEncoder().Bytes(b)
}
