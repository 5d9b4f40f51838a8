"""Word lists for the synthetic demo: names, employers, occupations, KBLI codes.

Names are combined at random from common Indonesian given names and second names (Lampung,
Javanese, Sundanese, Batak, Minang, Balinese …), so no generated name is meant to be a real person.
"""

from __future__ import annotations


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


MALE_GIVEN = _words(
    "Agus Ahmad Andi Arif Bambang Budi Dedi Dian Eko Fajar Hadi Hendra Heru Imam Indra Irfan "
    "Joko Kurniawan Lukman Made Muhammad Nanda Nur Putra Rahmat Rizky Rudi Slamet Sugeng "
    "Suryadi Taufik Teguh Wahyu Wawan Yoga Yusuf Zainal Gilang Hafiz Ilham Jaka Komang Ketut "
    "Dodi Ferry Galih Rian Sandi Tono Umar"
)
FEMALE_GIVEN = _words(
    "Ani Ayu Dewi Dian Eka Endah Fitri Indah Intan Kartika Lestari Lina Maya Mega Nia Novi Nur "
    "Putri Rani Ratna Rina Rini Sari Siti Sri Suci Tuti Wulan Yanti Yuli Anisa Desi Elis "
    "Fatimah Hana Kadek Laras Mirna Nabila Nining Oktavia Puspita Ratih Septi Tari Umi Vina "
    "Wati Yuni Zahra"
)
SECOND_NAMES = _words(
    "Saputra Saputri Pratama Wijaya Setiawan Hidayat Santoso Susanto Nugroho Kusuma Permana "
    "Ramadhan Hasibuan Siregar Nasution Lubis Harahap Sembiring Simanjuntak Purba Effendi "
    "Syahputra Firmansyah Hermawan Gunawan Wibowo Prasetyo Utomo Kurnia Maulana Rahman Hakim "
    "Hasan Anwar Iskandar Wardani Handayani Rahayu Astuti Suryani Pangestu Sanjaya Mulyadi "
    "Fauzi Ardiansyah Juliansyah Marga Batin Pangeran Radin"
)

# Employer names: "PT|CV <word> <word> [<word>]".
EMPLOYER_WORDS = _words(
    "Sinar Jaya Makmur Abadi Sejahtera Bumi Lestari Karya Mandiri Sentosa Agung Prima Cahaya "
    "Mulia Utama Berkah Andalas Sakti Nusantara Persada Gemilang Tunas Harapan Indah Rezeki "
    "Sumber Maju Bersama Putra Raya Krakatau Siger Tapis Way Teluk Gunung Tanjung Pesisir Ruwa "
    "Jurai Semaka Sekampung Tulang Kencana Bahtera Surya"
)

# KBLI 2020 five-digit codes grouped by section, with the share of employers in each section
# (a plausible Lampung mix: trade and agriculture first) and the JKK risk classes it may take.
KBLI_SECTIONS: dict[str, tuple[int, tuple[str, ...], tuple[int, ...]]] = {
    # section: (weight, codes, risk classes)
    "A": (12, ("01262", "01271", "01140", "01135", "03111"), (3, 4)),
    "C": (11, ("10431", "10721", "10621", "16101", "10750"), (3, 4, 5)),
    "F": (10, ("41011", "41012", "42101", "43211"), (4, 5)),
    "G": (27, ("47111", "47190", "46201", "45201", "47301"), (1, 2)),
    "H": (6, ("49431", "52101", "50131", "53201"), (3, 4)),
    "I": (8, ("55110", "56101", "56102"), (1, 2)),
    "J": (2, ("62019", "63122"), (1,)),
    "K": (3, ("64191", "64141", "66190"), (1,)),
    "M": (3, ("71102", "73100", "69102"), (1, 2)),
    "N": (5, ("80100", "81210", "78200"), (2, 3)),
    "P": (5, ("85230", "85310", "85110"), (1,)),
    "Q": (4, ("86103", "86901"), (1, 2)),
    "S": (4, ("95210", "96012"), (1, 2)),
}
CONSTRUCTION = "F"  # Jakon memberships attach to section F employers

# Occupations by employer section (PU) and for the self-employed (BPU) and construction (Jakon).
PU_OCCUPATIONS: dict[str, tuple[str, ...]] = {
    "A": ("Buruh kebun", "Mandor kebun", "Pemanen sawit", "Buruh tani"),
    "C": ("Operator produksi", "Buruh pabrik", "Teknisi mesin", "Staf gudang"),
    "F": ("Staf proyek", "Drafter", "Pengawas lapangan"),
    "G": ("Pramuniaga", "Kasir", "Staf penjualan", "Staf gudang"),
    "H": ("Sopir", "Kurir", "Anak buah kapal", "Staf logistik"),
    "I": ("Pelayan", "Juru masak", "Resepsionis"),
    "J": ("Programmer", "Staf TI"),
    "K": ("Teller", "Staf keuangan", "Analis kredit"),
    "M": ("Konsultan", "Staf administrasi", "Desainer"),
    "N": ("Satpam", "Petugas kebersihan", "Tenaga alih daya"),
    "P": ("Guru", "Staf tata usaha"),
    "Q": ("Perawat", "Bidan", "Staf administrasi"),
    "S": ("Teknisi servis", "Karyawan swasta"),
}
BPU_OCCUPATIONS = (
    "Petani",
    "Pekebun kopi",
    "Pekebun lada",
    "Pedagang",
    "Pedagang pasar",
    "Nelayan",
    "Pengemudi ojek",
    "Peternak",
    "Penjahit",
    "Tukang cukur",
    "Buruh harian lepas",
    "Pembudidaya ikan",
)
JAKON_OCCUPATIONS = ("Buruh bangunan", "Tukang batu", "Tukang kayu", "Mandor proyek", "Tukang las")
