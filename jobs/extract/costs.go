package extract

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow/decimal128"

	"evidencepack/transforms"
)

// chargeCategories maps the lower-case FOCUS ChargeCategory values to
// their spelling in the specification.
var chargeCategories = map[string]string{
	"usage": "Usage", "purchase": "Purchase", "tax": "Tax",
	"credit": "Credit", "adjustment": "Adjustment",
}

// costLine builds a cost line. billed_cost, currency and
// charge_period_start are required. rowHash is the line id when the record
// has no line_id field.
func (c *converter) costLine(fs fieldSource, o transforms.Origin, rowHash string) (*transforms.CostLine, *transforms.FieldError) {
	line := &transforms.CostLine{From: o, LineID: rowHash}
	if v := fs.field("line_id"); v.Found {
		line.LineID = v.Text
	}
	var err *transforms.FieldError
	if err = c.costAmounts(fs, line); err != nil {
		return nil, err
	}
	if line.ChargePeriodStart, err = c.requiredTime(fs, "charge_period_start"); err != nil {
		return nil, err
	}
	if line.ChargePeriodEnd, err = c.optionalTime(fs, "charge_period_end"); err != nil {
		return nil, err
	}
	if line.ChargeCategory, err = chargeCategory(fs); err != nil {
		return nil, err
	}
	if line.AccountID, err = c.costAccount(fs); err != nil {
		return nil, err
	}
	line.Provider = fs.field("provider").Text
	line.Service = fs.field("service").Text
	line.SKU = fs.field("sku").Text
	line.ConsumedUnit = fs.field("consumed_unit").Text
	// A purchase of a commitment carries cost that the usage rows it covers
	// carry again as EffectiveCost, so totals must not add both.
	line.CommitmentPurchase = line.ChargeCategory == "Purchase" && fs.field("commitment_discount_id").Found
	return line, nil
}

// costAmounts parses the money columns, the currency and the consumed
// quantity.
func (c *converter) costAmounts(fs fieldSource, line *transforms.CostLine) *transforms.FieldError {
	billed := fs.field("billed_cost")
	if !billed.Found {
		return missing(billed)
	}
	var err *transforms.FieldError
	if line.BilledCost, err = decimalField(billed, transforms.MoneyScale); err != nil {
		return err
	}
	// A null EffectiveCost means no discount applied: it equals BilledCost.
	line.EffectiveCost = line.BilledCost
	if effective := fs.field("effective_cost"); effective.Found {
		if line.EffectiveCost, err = decimalField(effective, transforms.MoneyScale); err != nil {
			return err
		}
	}
	if quantity := fs.field("consumed_quantity"); quantity.Found {
		n, err := decimalField(quantity, transforms.QuantityScale)
		if err != nil {
			return err
		}
		line.ConsumedQuantity = &n
	}
	line.Currency, err = required(fs, "currency")
	return err
}

func decimalField(v fieldValue, scale int32) (decimal128.Num, *transforms.FieldError) {
	if n, ok := parseDecimalFast(v.Text, scale); ok {
		return n, nil
	}
	n, err := transforms.ParseDecimal(v.Text, scale)
	if err != nil {
		return decimal128.Num{}, invalid(v, err)
	}
	return n, nil
}

// chargeCategory validates the nullable charge category and returns its
// FOCUS spelling.
func chargeCategory(fs fieldSource) (string, *transforms.FieldError) {
	v := fs.field("charge_category")
	if !v.Found {
		return "", nil
	}
	category, ok := chargeCategories[strings.ToLower(v.Text)]
	if !ok {
		reason := "charge category " + v.Text + " is not one of Usage, Purchase, Tax, Credit, Adjustment"
		return "", &transforms.FieldError{Column: v.Name, Raw: v.Text, Reason: reason}
	}
	return category, nil
}

// costAccount attributes a cost line: an account field, then the
// configured tag key, then the sub-account map, then the source's fixed
// account. A line that matches none is transforms.Unattributed.
func (c *converter) costAccount(fs fieldSource) (string, *transforms.FieldError) {
	if v := fs.field("account_id"); v.Found {
		return v.Text, nil
	}
	rule := c.src.Attribution
	if rule.TagKey != "" {
		account, err := tagValue(fs.field("tags"), rule.TagKey)
		if err != nil || account != "" {
			return account, err
		}
	}
	if sub := fs.field("sub_account_id"); sub.Found {
		if account, ok := rule.SubAccounts[sub.Text]; ok {
			return account, nil
		}
	}
	if c.src.Account != "" {
		return c.src.Account, nil
	}
	return transforms.Unattributed, nil
}

// tagValue returns the value of key in a Tags cell. The cell is a JSON
// object; Azure exports write it without the outer braces, so those are
// added when missing.
func tagValue(tags fieldValue, key string) (string, *transforms.FieldError) {
	if !tags.Found {
		return "", nil
	}
	text := tags.Text
	if !strings.HasPrefix(text, "{") {
		text = "{" + text + "}"
	}
	if value, ok := tagValueFast(text, key); ok {
		return value, nil
	}
	obj, err := decodeObject([]byte(text))
	if err != nil {
		return "", &transforms.FieldError{Column: tags.Name, Raw: tags.Text, Reason: "tags are not a JSON object"}
	}
	value, _ := jsonText(obj[key])
	return value, nil
}

// rowHash returns the hex SHA-256 of the source name and the row's column
// names and raw values in column order. A null value (nulls[i], Parquet
// only) hashes differently from any text. Byte-identical rows get the same
// hash, so they are duplicates that de-duplication removes.
func rowHash(source string, header, values []string, nulls []bool) string {
	buf := make([]byte, 0, 512)
	buf = appendSized(buf, source)
	for i, name := range header {
		buf = append(buf, '|')
		buf = appendSized(buf, name)
		buf = append(buf, '=')
		switch {
		case i >= len(values):
			buf = append(buf, "absent"...)
		case nulls != nil && nulls[i]:
			buf = append(buf, "null"...)
		default:
			buf = appendSized(buf, values[i])
		}
	}
	sum := sha256.Sum256(buf)
	return hex.EncodeToString(sum[:])
}

// appendSized appends s as <length>:<s>, so no two value lists hash the
// same text.
func appendSized(buf []byte, s string) []byte {
	buf = strconv.AppendInt(buf, int64(len(s)), 10)
	buf = append(buf, ':')
	return append(buf, s...)
}
